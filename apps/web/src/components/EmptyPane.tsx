import { Link } from './Link';

export function EmptyPane() {
  return (
    <div className="empty-pane">
      <div className="empty-illustration" aria-hidden="true">💬</div>
      <h2>Your conversations</h2>
      <p>Pick a conversation on the left, or start a new one.</p>
      <div className="empty-actions">
        <Link className="button primary" to="/compose">Compose a message</Link>
        <Link className="button" to="/people">Search for people</Link>
      </div>
    </div>
  );
}
