import { JSON_OPTION } from './support.js'
import type { Command } from './types.js'

// The walk (and the whole gateway) load only when record runs.
export const recordCommand: Command = {
  name: 'record',
  summary: 'walk an organization through the gateway in record mode, for offline replay',
  usage: '--org ID [--days N] [--yes] [--json]',
  description:
    'Builds an offline snapshot of one organization in --recordings: the organization, its members (with users), projects ' +
    'and their tasks, and the last N days of daily activities, activities and notes, every list to its last page. The ' +
    'requests go through an in-process gateway in record mode, so they spend the same budget ledger as serve (and the ' +
    'Redis one with --redis) and the recordings are redacted as always. It prints an estimate first and refuses when the ' +
    'budget left is smaller, unless --yes. A progress bar on a terminal, one line per request otherwise; a summary at the end. ' +
    'Exit code 1 when a request failed or the walk stopped early (what was recorded is kept).',
  options: [
    { name: 'org', type: 'string', value: 'ID', description: 'the organization id (GET /v2/organizations lists yours)' },
    { name: 'days', type: 'string', value: 'N', description: 'how many days of activities and notes, ending today (UTC)', defaultText: '7' },
    { name: 'page-limit', type: 'string', value: 'N', description: 'records per page (lower it if Hubstaff times out)', defaultText: '500' },
    { name: 'yes', type: 'boolean', short: 'y', description: 'start even when the estimate exceeds the budget left' },
    { name: 'force', type: 'boolean', description: 'same as --yes' },
    JSON_OPTION,
  ],
  settings: ['recordings', 'stateDir', 'budget', 'redis', 'recordRedact'],
  examples: ['hubstaff-gateway record --org 1001 --days 14', 'hubstaff-gateway serve --mode replay   # then answer from the snapshot'],
  async run(context) {
    const { runRecord } = await import('./record-run.js')
    return runRecord(context)
  },
}
