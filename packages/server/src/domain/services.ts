import type { Deps } from './deps';
import { AttachmentsService } from './attachments-service';
import { AuthService } from './auth/auth-service';
import { AccessTokens } from './auth/tokens';
import { DeviceTokens } from './auth/device-token';
import { ConversationsService } from './conversations-service';
import { Fanout } from './fanout';
import { MessagesService } from './messages-service';
import { SyncService } from './sync-service';
import { UsersService } from './users-service';
import { SearchService } from './search-service';
import { PrivacyService } from './privacy-service';
import { MaintenanceService } from './maintenance-service';
import { ModerationService } from './moderation-service';
import { NotificationsService } from './notifications-service';
import { ComposeService } from './compose-service';
import { AvatarsService } from './avatars-service';

export interface Services {
  deps: Deps;
  fanout: Fanout;
  auth: AuthService;
  users: UsersService;
  conversations: ConversationsService;
  messages: MessagesService;
  compose: ComposeService;
  sync: SyncService;
  search: SearchService;
  privacy: PrivacyService;
  maintenance: MaintenanceService;
  attachments: AttachmentsService;
  moderation: ModerationService;
  notifications: NotificationsService;
  avatars: AvatarsService;
}

export function buildServices(deps: Deps): Services {
  const notifications = new NotificationsService(deps);
  const fanout = new Fanout(deps.bus, (events) => notifications.committed(events));
  const tokens = new AccessTokens(deps.keys.jwtSecret, deps.config.accessTokenTtlSec);
  const conversations = new ConversationsService(deps, fanout);
  const messages = new MessagesService(deps, fanout);
  const attachments = new AttachmentsService(deps);
  const avatars = new AvatarsService(deps, fanout);
  return {
    deps,
    fanout,
    auth: new AuthService(deps, tokens, fanout, new DeviceTokens(deps.keys.jwtSecret)),
    users: new UsersService(deps, fanout, avatars),
    conversations,
    messages,
    compose: new ComposeService(deps, conversations, messages),
    sync: new SyncService(deps),
    search: new SearchService(deps),
    privacy: new PrivacyService(deps, fanout, attachments, avatars),
    maintenance: new MaintenanceService(deps),
    attachments,
    moderation: new ModerationService(deps, fanout),
    notifications,
    avatars,
  };
}
