import { send, state } from './conversation.js';
import { $ } from './view.js';

const MAX_ROWS = 8;

/** Grows the message box with its text, up to {@link MAX_ROWS} lines. */
function fit(prompt: HTMLTextAreaElement): void {
  prompt.style.height = 'auto';
  const line = parseFloat(getComputedStyle(prompt).lineHeight) || 20;
  prompt.style.height = `${Math.min(prompt.scrollHeight, line * MAX_ROWS + 16)}px`;
}

/** The composer: a multi-line box where Enter sends and Shift+Enter starts a new line. */
export function setUpComposer(): void {
  const prompt = $<HTMLTextAreaElement>('prompt');
  const submit = (): void => {
    const text = prompt.value.trim();
    const busy = state.current.chat.status === 'submitted' || state.current.chat.status === 'streaming';
    if (!text || busy || $<HTMLButtonElement>('send').disabled) return;
    prompt.value = '';
    fit(prompt);
    send(text);
  };
  $<HTMLFormElement>('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  prompt.addEventListener('keydown', (event) => {
    // isComposing: Enter that confirms an IME composition (Japanese, Chinese...) does not send.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    submit();
  });
  prompt.addEventListener('input', () => fit(prompt));
}
