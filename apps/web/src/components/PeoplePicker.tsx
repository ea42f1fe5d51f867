import { useTranslation } from 'react-i18next';
import { Autocomplete, Collection, Input, Label, ListBox, ListBoxItem, ListBoxLoadMoreItem, TextField, useAsyncList } from 'react-aria-components';
import type { PublicUser } from '@parley/protocol';
import { useChat, useServices } from '../state/app-context';
import { Avatar } from './Avatar';

/**
 * Find a person as you type (username, or display-name words: "ann ex" finds Ann
 * Example). React Aria's Autocomplete over an inline list of suggestions: arrows move
 * through it from the text box, Enter picks, and more results load as it scrolls (the
 * server pages with a cursor). Picking calls onPick and clears the box.
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
  const busy = list.loadingState === 'loading' || list.loadingState === 'filtering';
  return (
    <div className="people-picker">
      <Autocomplete inputValue={list.filterText} onInputChange={list.setFilterText}>
        <TextField className="people-field" autoFocus={autoFocus}>
          <Label className="field-label">{label}</Label>
          <Input className="text-input" placeholder={t('people.placeholder')} autoCapitalize="none" spellCheck={false} autoComplete="off" />
        </TextField>
        {typed && (
          <ListBox className="listbox people-results" aria-label={t('people.results', { label })} items={shown}
            onAction={(key) => {
              const u = shown.find((x) => x.id === key);
              if (!u) return;
              onPick(u);
              list.setFilterText('');
            }}
            renderEmptyState={() => <p className="listbox-empty">{busy ? t('common.loading') : t('people.none', { query: typed })}</p>}>
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
        )}
      </Autocomplete>
    </div>
  );
}
