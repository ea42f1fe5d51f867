import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Autocomplete, Dialog, Heading, Input, Menu, MenuItem, Modal, ModalOverlay, SearchField, useFilter } from 'react-aria-components';
import { useChat } from '../../state/app-context';
import { conversationName } from '../../state/format';
import { conversationPath, navigate } from '../../state/router';
import { Avatar } from '../Avatar';

/** Ctrl/⌘+K: type part of a conversation's name, Enter opens it (React Aria Autocomplete over a menu). */
export function QuickSwitcher({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const conversations = useChat((s) => s.conversations);
  const me = useChat((s) => s.me?.id);
  const { contains } = useFilter({ sensitivity: 'base' });
  const items = useMemo(
    () => Object.values(conversations).sort((a, b) => b.updatedAt - a.updatedAt).map((c) => ({ id: c.id, name: conversationName(c, me as never), c })),
    [conversations, me],
  );
  return (
    <ModalOverlay className="modal-overlay top" isOpen isDismissable onOpenChange={(open) => !open && onClose()}>
      <Modal className="modal switcher">
        <Dialog className="dialog" aria-label={t('switcher.title')}>
          <Heading slot="title" className="visually-hidden">{t('switcher.title')}</Heading>
          <Autocomplete filter={contains}>
            <SearchField className="search-field" aria-label={t('switcher.title')} autoFocus>
              <Input className="search-input" placeholder={t('switcher.placeholder')} />
            </SearchField>
            <Menu className="menu switcher-list" items={items} aria-label={t('switcher.results')}
              renderEmptyState={() => <p className="listbox-empty">{t('switcher.none')}</p>}
              onAction={(id) => { onClose(); navigate(conversationPath(String(id))); }}>
              {(item) => (
                <MenuItem id={item.id} textValue={item.name} className="menu-item">
                  <Avatar name={item.name} seed={item.c.kind === 'direct' ? (item.c.members.find((m) => m.user.id !== me)?.user.id ?? item.id) : item.id} size={28} />
                  {item.name}
                </MenuItem>
              )}
            </Menu>
          </Autocomplete>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
