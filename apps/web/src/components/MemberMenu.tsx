import { useTranslation } from 'react-i18next';
import { Button, Menu, MenuItem, MenuTrigger, Popover } from 'react-aria-components';
import type { PublicUser, Role } from '@parley/protocol';
import { Icon } from './Icon';

/** What a group's owner or admin can do to a member: roles (owner only) and removal. */
export function MemberMenu({ user, role, canChangeRole, onRole, onRemove }: {
  user: PublicUser;
  role: Role;
  canChangeRole: boolean;
  onRole: (role: 'admin' | 'member') => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  return (
    <MenuTrigger>
      <Button className="icon-button" aria-label={t('info.memberOptions', { name: user.displayName })}>
        <Icon name="more" />
      </Button>
      <Popover className="popover" placement="bottom end">
        <Menu className="menu" aria-label={t('info.memberOptions', { name: user.displayName })} onAction={(key) => {
          if (key === 'admin' || key === 'member') onRole(key);
          else if (key === 'remove') onRemove();
        }}>
          {canChangeRole && role === 'member' && <MenuItem id="admin" className="menu-item"><Icon name="shield" size={18} />{t('info.makeAdmin')}</MenuItem>}
          {canChangeRole && role === 'admin' && <MenuItem id="member" className="menu-item"><Icon name="shield" size={18} />{t('info.removeAdmin')}</MenuItem>}
          <MenuItem id="remove" className="menu-item danger"><Icon name="userMinus" size={18} />{t('info.remove')}</MenuItem>
        </Menu>
      </Popover>
    </MenuTrigger>
  );
}
