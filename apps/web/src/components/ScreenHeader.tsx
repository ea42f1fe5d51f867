import { Icon } from './Icon';
import { Link } from './Link';

/** Title bar of a main-pane screen; the back link matters on phones, where the list is another screen. */
export function ScreenHeader({ title, back = '/' }: { title: string; back?: string }) {
  return (
    <header className="screen-header">
      <Link to={back} className="icon-button back-button" aria-label="Back">
        <Icon name="back" />
      </Link>
      <h2>{title}</h2>
    </header>
  );
}
