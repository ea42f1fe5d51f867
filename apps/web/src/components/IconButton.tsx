import { Button, Tooltip, TooltipTrigger, type ButtonProps } from 'react-aria-components';
import { Icon, type IconName } from './Icon';

/**
 * A button showing only an icon: the label is required (screen readers and tests name it
 * by it) and shows as a tooltip on hover and keyboard focus (React Aria).
 */
export function IconButton({ icon, label, className, ...rest }: { icon: IconName; label: string; className?: string } & Omit<ButtonProps, 'className' | 'children'>) {
  return (
    <TooltipTrigger delay={600} closeDelay={0}>
      <Button className={`icon-button ${className ?? ''}`} aria-label={label} {...rest}>
        <Icon name={icon} />
      </Button>
      <Tooltip className="tooltip" offset={6}>{label}</Tooltip>
    </TooltipTrigger>
  );
}
