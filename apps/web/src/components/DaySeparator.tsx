import { dayLabel } from '../state/format';

export function DaySeparator({ at }: { at: number }) {
  return (
    <li className="day-separator">
      <span>{dayLabel(at)}</span>
    </li>
  );
}
