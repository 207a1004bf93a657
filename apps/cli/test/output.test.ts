import { afterEach, describe, expect, it } from 'vitest';
import { defaultIo, paint } from '../src/output.js';

const tty = process.stdout.isTTY;
const noColor = process.env.NO_COLOR;
afterEach(() => {
  process.stdout.isTTY = tty;
  if (noColor === undefined) delete process.env.NO_COLOR;
  else process.env.NO_COLOR = noColor;
});

describe('colour', () => {
  it('is on when stdout is a terminal', () => {
    process.stdout.isTTY = true;
    delete process.env.NO_COLOR;
    const io = defaultIo();
    expect(io.color).toBe(true);
    expect(paint(io, 'green', 'ok')).toBe('\u001b[32mok\u001b[0m');
  });

  it('is off on a terminal when NO_COLOR is set', () => {
    process.stdout.isTTY = true;
    process.env.NO_COLOR = '1';
    expect(defaultIo().color).toBe(false);
  });

  it('is off when stdout is not a terminal', () => {
    process.stdout.isTTY = false;
    delete process.env.NO_COLOR;
    const io = defaultIo();
    expect(io.color).toBe(false);
    expect(paint(io, 'green', 'ok')).toBe('ok');
  });
});
