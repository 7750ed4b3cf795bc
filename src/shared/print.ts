/**
 * Print routes tell whoever renders them (Electron printToPDF in the app, headless Chromium in the harness) that
 * the page is complete — data loaded, SVG drawn — by this attribute on their root.
 */
export const PRINT_READY_ATTRIBUTE = 'data-print-ready';
export const PRINT_READY_SELECTOR = `[${PRINT_READY_ATTRIBUTE}="true"]`;
