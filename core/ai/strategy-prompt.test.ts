import { extractCode, strategyRequest, strategySystemPrompt } from './strategy-prompt';
import { INDICATORS } from '../indicators/ta';

const CLASS = 'class A extends Strategy {\n  shouldLong() { return true; }\n}';

describe('extractCode', () => {
  it('takes the fenced block that declares the strategy, whatever its language tag, and keeps the text as explanation', () => {
    const reply = `Setup:\n\`\`\`bash\nnpm install\n\`\`\`\nThe strategy:\n\`\`\`typescript\n${CLASS}\n\`\`\`\nBuys always.`;
    expect(extractCode(reply)).toEqual({
      code: `${CLASS}\n`,
      explanation: 'Setup:\n```bash\nnpm install\n```\nThe strategy:\n\nBuys always.',
    });
  });

  it('falls back to the longest block when none declares the class', () => {
    expect(extractCode('```\nshort\n```\n```js\nconst longer = 1;\n```')?.code).toBe('const longer = 1;\n');
  });

  it('reads an unfenced reply from the class declaration on', () => {
    expect(extractCode(`Here it is:\n${CLASS}`)).toEqual({ code: `${CLASS}\n`, explanation: 'Here it is:' });
  });

  it('finds nothing in a reply without code', () => {
    expect(extractCode('I cannot help with that.')).toBeNull();
  });
});

describe('the prompt', () => {
  it('lists every indicator the sandbox offers', () => {
    const prompt = strategySystemPrompt();
    for (const name of Object.keys(INDICATORS)) expect(prompt).toContain(`\n- ${name}(`);
  });

  it('sends the editor code only when there is some', () => {
    expect(strategyRequest('RSI 30/70', '  ')[1].content).toBe('RSI 30/70');
    expect(strategyRequest('RSI 30/70', CLASS)[1].content).toContain(CLASS);
  });
});
