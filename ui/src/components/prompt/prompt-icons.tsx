/** The prompt box's own line icons, in the app's icon frame (`../icons.tsx`). */

import { Icon } from "../icons";

export const PaperclipIcon = () => (
  <Icon>
    <path d="m21.4 11.1-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5" />
  </Icon>
);

export const SymbolIcon = () => (
  <Icon>
    <path d="M8 4H6a2 2 0 0 0-2 2v4l-2 2 2 2v4a2 2 0 0 0 2 2h2" />
    <path d="M16 4h2a2 2 0 0 1 2 2v4l2 2-2 2v4a2 2 0 0 1-2 2h-2" />
  </Icon>
);

export const SlashIcon = () => (
  <Icon>
    <path d="M15 4 9 20" />
  </Icon>
);

export const ShellIcon = () => (
  <Icon>
    <path d="m5 8 4 4-4 4" />
    <path d="M12 17h7" />
  </Icon>
);

export const MentionAgentIcon = () => (
  <Icon>
    <circle cx="12" cy="8" r="4" />
    <path d="M5 20a7 7 0 0 1 14 0" />
  </Icon>
);

export const ClockIcon = () => (
  <Icon>
    <circle cx="12" cy="12" r="9" />
    <path d="M12 7v5l3 2" />
  </Icon>
);
