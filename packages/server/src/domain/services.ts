import type { Deps } from './deps';
import { AttachmentsService } from './attachments-service';
import { openBlobStore } from '../blobs/open-blob-store';
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

export interface Services {
  deps: Deps;
  fanout: Fanout;
  auth: AuthService;
  users: UsersService;
  conversations: ConversationsService;
  messages: MessagesService;
  sync: SyncService;
  search: SearchService;
  privacy: PrivacyService;
  maintenance: MaintenanceService;
  attachments: AttachmentsService;
  moderation: ModerationService;
  notifications: NotificationsService;
}

export function buildServices(deps: Deps, jwtSecret: Uint8Array): Services {
  const notifications = new NotificationsService(deps);
  const fanout = new Fanout(deps.bus, (events) => notifications.committed(events));
  const tokens = new AccessTokens(jwtSecret, deps.config.accessTokenTtlSec);
  return {
    deps,
    fanout,
    auth: new AuthService(deps, tokens, fanout, new DeviceTokens(jwtSecret)),
    users: new UsersService(deps, fanout),
    conversations: new ConversationsService(deps, fanout),
    messages: new MessagesService(deps, fanout),
    sync: new SyncService(deps),
    search: new SearchService(deps),
    privacy: new PrivacyService(deps, fanout),
    maintenance: new MaintenanceService(deps),
    attachments: new AttachmentsService(deps, openBlobStore(deps.config), jwtSecret),
    moderation: new ModerationService(deps, fanout),
    notifications,
  };
}
