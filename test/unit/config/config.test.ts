import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GATEWAY_CONFIG_VARIABLES } from '../../../gateway/config.js';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../../../src/config.js';

const root = new URL('../../../', import.meta.url);

describe('configuration', () => {
  it('has defaults for everything, so an empty environment starts the embedded default', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(4001);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.KAFKA_BROKERS).toBeUndefined();
  });

  it('reports every problem, one line per variable', () => {
    const attempt = () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', KAFKA_BROKERS: 'no port', LOG_LEVEL: 'loud' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigError).problems;
      expect(problems.map((line) => line.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'KAFKA_BROKERS', 'LOG_LEVEL', 'PORT']);
    }
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).PORT).toBe(4001);
  });

  it('is documented in full in .env.example and the README', () => {
    const example = readFileSync(new URL('.env.example', root), 'utf8');
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    const documented = [...example.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((match) => match[1]);
    const variables = [...new Set([...CONFIG_VARIABLES, ...GATEWAY_CONFIG_VARIABLES])];
    expect(documented.sort()).toEqual(variables.sort());
    for (const variable of variables) expect(readme, variable).toContain(`\`${variable}\``);
  });
});
