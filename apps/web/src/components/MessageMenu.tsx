import { useTranslation } from 'react-i18next';
import { Button, Menu, MenuItem, MenuTrigger, Popover } from 'react-aria-components';
import { Icon } from './Icon';

export type MessageAction = 'edit' | 'copy' | 'deleteMe' | 'deleteAll' | 'report';

/** The per-message menu (React Aria: arrows, typeahead, Escape), items left-aligned on one line each. */
export function MessageMenu({ actions, onAction }: { actions: readonly MessageAction[]; onAction: (a: MessageAction) => void }) {
  const { t } = useTranslation();
  const icons = { edit: 'edit', copy: 'copy', deleteMe: 'trash', deleteAll: 'trash', report: 'warning' } as const;
  return (
    <div className="message-menu">
      <MenuTrigger>
        <Button className="icon-button message-menu-button" aria-label={t('message.options')}>
          <Icon name="more" size={18} />
        </Button>
        <Popover className="popover" placement="bottom end">
          <Menu className="menu" aria-label={t('message.options')} onAction={(key) => onAction(key as MessageAction)}>
            {actions.map((a) => (
              <MenuItem key={a} id={a} className={`menu-item ${a === 'deleteAll' ? 'danger' : ''}`}>
                <Icon name={icons[a]} size={18} />
                {t(`message.${a}`)}
              </MenuItem>
            ))}
          </Menu>
        </Popover>
      </MenuTrigger>
    </div>
  );
}
