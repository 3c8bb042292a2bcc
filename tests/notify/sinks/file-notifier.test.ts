import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlertPublishError } from '../../../lib/notify/errors';
import { FileNotifier, LOCAL_TOPIC_ARN, messageIdFor } from '../../../lib/notify/sinks/file-notifier';
import { renderAlert } from '../../../lib/notify/alert/render';
import { renderTerminalSummary } from '../../../lib/notify/terminal';
import { controlChars, denial, FINGERPRINT, incident } from '../../alerts/fixtures';

const TOPIC = 'arn:aws:sns:us-east-1:000000000000:access-auditor-embedded';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alerts-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function terminal(): { write(chunk: string): void; text: () => string } {
  const chunks: string[] = [];
  return { write: (chunk) => void chunks.push(chunk), text: () => chunks.join('') };
}

describe('FileNotifier', () => {
  it('appends the exact PublishCommand input as one JSON line, creating the directory', async () => {
    const path = join(dir, 'nested', 'deeper', 'alerts.jsonl');
    const out = terminal();
    const notifier = new FileNotifier({ path, terminal: out });
    const first = renderAlert({ incident: incident(), trigger: 'opened', topicArn: TOPIC });
    const second = renderAlert({ incident: incident({ count: 10 }), trigger: 'threshold', topicArn: TOPIC });

    const ids = [await notifier.publish(first), await notifier.publish(second)];

    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0] as string)).toStrictEqual({
      TopicArn: TOPIC,
      Subject: first.Subject,
      Message: first.Message,
      MessageStructure: 'json',
      MessageAttributes: first.MessageAttributes,
    });
    expect(JSON.parse(lines[1] as string)).toMatchObject({ Subject: second.Subject, MessageAttributes: { trigger: { StringValue: 'threshold' } } });
    expect(ids[0]?.messageId).toBe(messageIdFor(`${lines[0]}\n`));
    expect(ids[0]?.messageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(ids[0]?.messageId).not.toBe(ids[1]?.messageId);
  });

  it('gives the same message ID to the same alert (deterministic)', async () => {
    const message = renderAlert({ incident: incident(), trigger: 'opened', topicArn: TOPIC });
    const a = await new FileNotifier({ path: join(dir, 'a.jsonl') }).publish(message);
    const b = await new FileNotifier({ path: join(dir, 'b.jsonl') }).publish(message);
    expect(a).toEqual(b);
  });

  it('keeps lines whole when alerts are published concurrently', async () => {
    const path = join(dir, 'alerts.jsonl');
    const notifier = new FileNotifier({ path });
    const messages = Array.from({ length: 25 }, (_, i) => renderAlert({ incident: incident({ count: i + 1 }), trigger: 'opened', topicArn: TOPIC }));
    await Promise.all(messages.map((m) => notifier.publish(m)));
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { Message: string }).Message).sort()).toEqual(messages.map((m) => m.Message).sort());
  });

  it('fills the topic when the message has none', async () => {
    const path = join(dir, 'alerts.jsonl');
    await new FileNotifier({ path }).publish(renderAlert({ incident: incident(), trigger: 'opened' }));
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ TopicArn: LOCAL_TOPIC_ARN });
  });

  it('prints a short, clean summary to the terminal', async () => {
    const out = terminal();
    const hostile = denial({ principal: { ...denial().principal, roleName: 'evil\u001b[2J\u001b]0;pwned\u0007' } });
    const message = renderAlert({ incident: incident({ principal: hostile.principal, latest: hostile }), trigger: 'opened', topicArn: TOPIC });
    await new FileNotifier({ path: join(dir, 'alerts.jsonl'), terminal: out }).publish(message);
    const text = out.text();
    expect(text).toContain('ALERT MEDIUM  [access-auditor] bedrock:InvokeModel denied for evil (us-east-1)');
    expect(text).toContain('Why:');
    expect(text).toContain('How often:');
    expect(text).toContain('Fix:');
    expect(text).toContain(`Acknowledge: access-auditor incidents ack ${FINGERPRINT}`);
    expect(controlChars(text, '\n')).toEqual([]);
    expect(text.split('\n').length).toBeLessThanOrEqual(8);
  });

  it('fails with AlertPublishError when the file cannot be written, and a failure does not block later alerts', async () => {
    const blocker = join(dir, 'not-a-dir');
    await writeFile(blocker, 'x');
    const path = join(blocker, 'alerts.jsonl');
    const notifier = new FileNotifier({ path });
    const message = renderAlert({ incident: incident(), trigger: 'opened', topicArn: TOPIC });
    const error: unknown = await notifier.publish(message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlertPublishError);
    expect(error).toMatchObject({ name: 'AlertPublishError', destination: path });
    expect((error as AlertPublishError).cause).toBeDefined();

    await rm(blocker);
    await expect(notifier.publish(message)).resolves.toHaveProperty('messageId');
    expect(await readFile(path, 'utf8')).toContain(message.Subject);
  });
});

describe('renderTerminalSummary', () => {
  it('falls back to the subject for a message it cannot parse', () => {
    expect(renderTerminalSummary({ Subject: 'hello', Message: 'not json', MessageStructure: 'json', MessageAttributes: {} })).toBe('ALERT UNKNOWN  hello\n');
  });
});

describe('FileNotifier after a torn write (issue 12)', () => {
  it.each([
    ['a truncated JSON line', '{"TopicArn":"arn:aws:sns:us-east-1:000000000000:t","Message":"cut he'],
    ['a fragment with no newline at all', 'x'],
    ['a long fragment spanning several read chunks', `{"Message":"${'y'.repeat(200_000)}`],
  ])('starts the next alert on its own line and keeps %s aside', async (_name, fragment) => {
    const path = join(dir, 'alerts.jsonl');
    const whole = JSON.stringify({ TopicArn: TOPIC, Message: 'an earlier alert' });
    await writeFile(path, `${whole}\n${fragment}`);
    const out = terminal();

    await new FileNotifier({ path, terminal: out }).publish(renderAlert({ incident: incident(), trigger: 'opened', topicArn: TOPIC }));

    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(whole);
    expect(JSON.parse(lines[1] as string)).toMatchObject({ TopicArn: TOPIC });
    // Never lost silently: the fragment is kept whole, and the terminal says where.
    expect(await readFile(`${path}.broken`, 'utf8')).toBe(`${fragment}\n`);
    expect(out.text()).toContain(`moved to ${path}.broken`);
  });

  it('leaves a file of whole lines as it is and writes no .broken file', async () => {
    const path = join(dir, 'alerts.jsonl');
    await writeFile(path, '{"a":1}\n');
    await new FileNotifier({ path }).publish(renderAlert({ incident: incident(), trigger: 'opened', topicArn: TOPIC }));
    expect((await readFile(path, 'utf8')).split('\n')).toHaveLength(3);
    await expect(readFile(`${path}.broken`, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
