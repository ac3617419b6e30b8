// Tab and Shift+Tab go round inside an open dialog (WCAG 2.4.3, the
// WAI-ARIA dialog pattern). Ant Design's dialogs pull the focus back only
// once it has landed on something else of the page: from the dialog's last
// control, Tab leaves the page for the browser's own toolbar first.

const focusable =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), textarea:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])';

function openDialog(): HTMLElement | undefined {
  const open = Array.from(document.querySelectorAll<HTMLElement>('[role="dialog"][aria-modal="true"]')).filter(
    (d) => d.getClientRects().length > 0,
  );
  return open[open.length - 1];
}

function onKeyDown(e: KeyboardEvent) {
  if (e.key !== 'Tab' || e.defaultPrevented) return;
  const dialog = openDialog();
  if (!dialog) return;
  const stops = Array.from(dialog.querySelectorAll<HTMLElement>(focusable)).filter(
    (el) => el.getClientRects().length > 0 && !el.closest('[aria-hidden="true"]'),
  );
  if (stops.length === 0) return;
  const first = stops[0]!;
  const last = stops[stops.length - 1]!;
  const here = document.activeElement;
  const inside = here instanceof HTMLElement && dialog.contains(here);
  if (e.shiftKey && (here === first || !inside)) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (here === last || !inside)) {
    e.preventDefault();
    first.focus();
  }
}

/** keepFocusInDialogs installs the handler once, for the whole console. */
export function keepFocusInDialogs() {
  document.addEventListener('keydown', onKeyDown);
}
