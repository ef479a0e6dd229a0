import { css } from 'lit';

/** Hidden from sight, still read by screen readers: for a selector's body in any component's styles. */
export const visuallyHidden = css`
  position: absolute;
  width: 1px;
  height: 1px;
  overflow: hidden;
  clip-path: inset(50%);
  white-space: nowrap;
`;
