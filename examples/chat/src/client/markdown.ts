import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const marked = new Marked({ gfm: true, breaks: true, async: false });

// Links in replies open in a new tab and tell the target nothing about this page.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

/**
 * Markdown as sanitized HTML: `marked` renders it (raw HTML in the text passes through marked), then
 * DOMPurify removes scripts, event handlers, `javascript:` links, styles and forms, so a stored XSS
 * payload in a message stays inert text. The CSP (`script-src 'self'`) is the second line of defence.
 */
export function renderMarkdown(target: HTMLElement, text: string): void {
  const html = marked.parse(text) as string;
  target.innerHTML = DOMPurify.sanitize(html, {
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select'],
    FORBID_ATTR: ['style'],
  });
}
