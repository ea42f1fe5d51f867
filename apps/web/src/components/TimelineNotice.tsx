import { memo } from 'react';
import { clockTime } from '../state/format';

/** A membership or title change among the messages: one centred, muted line of plain text. */
export const TimelineNotice = memo(function TimelineNotice({ text, at }: { text: string; at: number }) {
  return (
    <li className="timeline-notice">
      <span title={clockTime(at)}>{text}</span>
    </li>
  );
});
