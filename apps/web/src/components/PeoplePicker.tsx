import { useTranslation } from 'react-i18next';
import { Collection, ComboBox, Input, Label, ListBox, ListBoxItem, ListBoxLoadMoreItem, Popover, useAsyncList } from 'react-aria-components';
import type { PublicUser } from '@parley/protocol';
import { useChat, useServices } from '../state/app-context';
import { Avatar } from './Avatar';

/**
 * Find a person as you type (username, or display-name words: "ann ex" finds Ann
 * Example), in a React Aria combo box: arrows move, Enter picks, more results load as the
 * list scrolls (the server pages with a cursor). Picking calls onPick and clears the box.
 */
export function PeoplePicker({ label, onPick, exclude = [], autoFocus = false }: {
  label: string;
  onPick: (u: PublicUser) => void;
  exclude?: readonly string[];
  autoFocus?: boolean;
}) {
  const { t } = useTranslation();
  const { client } = useServices();
  const me = useChat((s) => s.me?.id);
  const list = useAsyncList<PublicUser, string>({
    async load({ cursor, filterText }) {
      const q = (filterText ?? '').trim();
      if (!q) return { items: [] };
      const res = await client.request('searchUsers', { query: { prefix: q.slice(0, 32), limit: 20, ...(cursor ? { cursor } : {}) } });
      return { items: res.users, cursor: res.nextCursor ?? undefined };
    },
  });
  const shown = list.items.filter((u) => u.id !== me && !exclude.includes(u.id));
  const typed = list.filterText.trim();
  return (
    <ComboBox
      className="people-picker"
      items={shown}
      inputValue={list.filterText}
      onInputChange={list.setFilterText}
      allowsEmptyCollection={typed.length > 0}
      menuTrigger="input"
      autoFocus={autoFocus}
      onSelectionChange={(key) => {
        const u = shown.find((x) => x.id === key);
        if (!u) return;
        onPick(u);
        list.setFilterText('');
      }}
    >
      <Label className="field-label">{label}</Label>
      <Input className="text-input" placeholder={t('people.placeholder')} autoCapitalize="none" spellCheck={false} />
      <Popover className="popover people-popover" placement="bottom start" offset={4}>
        <ListBox className="listbox" renderEmptyState={() => <p className="listbox-empty">{list.loadingState === 'loading' || list.loadingState === 'filtering' ? t('common.loading') : t('people.none', { query: typed })}</p>}>
          <Collection items={shown}>
            {(u) => (
              <ListBoxItem id={u.id} textValue={`${u.displayName} @${u.username}`} className="listbox-item person-option">
                <Avatar name={u.displayName} url={u.avatarUrl} seed={u.id} size={32} />
                <span className="person-text">
                  <span className="person-name">{u.displayName}</span>
                  <span className="person-username">@{u.username}</span>
                </span>
              </ListBoxItem>
            )}
          </Collection>
          <ListBoxLoadMoreItem onLoadMore={list.loadMore} isLoading={list.loadingState === 'loadingMore'} className="listbox-more">
            {t('common.loading')}
          </ListBoxLoadMoreItem>
        </ListBox>
      </Popover>
    </ComboBox>
  );
}
