import { ScreenHeader } from './ScreenHeader';

/** A conversation I cannot see: not loaded yet, removed from it, or never a member (the server says 404 alike). */
export function MissingConversation({ loading }: { loading: boolean }) {
  return (
    <section className="screen" aria-label="Conversation">
      <ScreenHeader title={loading ? 'Loading…' : 'Conversation unavailable'} />
      <div className="conversation-missing">
        <p>{loading ? 'Loading…' : 'This conversation does not exist, or you are no longer a member.'}</p>
      </div>
    </section>
  );
}
