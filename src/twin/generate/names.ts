/**
 * The generator's own word lists. Small on purpose: combinations give variety enough, and a
 * person reading an answer should recognise it as a believable small company at a glance.
 */

export const FIRST_NAMES = [
  'Amara', 'Bruno', 'Chiara', 'Dmitri', 'Elena', 'Farid', 'Greta', 'Hiroshi', 'Ines', 'Jonas',
  'Kavya', 'Liam', 'Mariana', 'Nikolai', 'Olivia', 'Pedro', 'Quinn', 'Rafael', 'Sofia', 'Tomasz',
  'Uma', 'Viktor', 'Wen', 'Ximena', 'Yusuf', 'Zoe', 'Aisha', 'Ben', 'Camille', 'Diego',
  'Emeka', 'Freya', 'Gabriel', 'Hana', 'Ivan', 'Julia', 'Kenji', 'Leila', 'Mateo', 'Nadia',
  'Oscar', 'Priya', 'Rosa', 'Samuel', 'Tara', 'Umar', 'Valentina', 'William', 'Yara', 'Zain',
  'Anika', 'Carlos', 'Daria', 'Ethan', 'Fatima', 'Hugo', 'Isla', 'Jakub', 'Lucia', 'Marek',
] as const

export const LAST_NAMES = [
  'Okafor', 'Lindqvist', 'Moreau', 'Petrov', 'Tanaka', 'Silva', 'Novak', 'Fischer', 'Haddad', 'Kowalski',
  'Rossi', 'Nguyen', 'Jensen', 'Garcia', 'Brennan', 'Sato', 'Mensah', 'Dubois', 'Ivanova', 'Costa',
  'Bauer', 'Khan', 'Larsen', 'Romero', 'Walsh', 'Yamamoto', 'Adeyemi', 'Eriksson', 'Ferreira', 'Hoffmann',
  'Iyer', 'Jovanovic', 'Keller', 'Lopez', 'Murphy', 'Nakamura', 'Olsen', 'Pereira', 'Quintero', 'Richter',
  'Schmidt', 'Torres', 'Varga', 'Weber', 'Zielinski', 'Abbott', 'Castillo', 'Duarte', 'Engel', 'Horvat',
] as const

/** Organizations: a name and the domain its people's addresses use. */
export const COMPANIES = [
  ['Northwind Studio', 'northwind-studio.com'],
  ['Bluepine Labs', 'bluepinelabs.io'],
  ['Harbor & Finch', 'harborfinch.co'],
  ['Copperleaf Digital', 'copperleaf.dev'],
  ['Tidewater Builders', 'tidewaterbuilders.com'],
  ['Quartz Analytics', 'quartzanalytics.io'],
  ['Meadowlark Support', 'meadowlark-support.com'],
  ['Ironbridge Consulting', 'ironbridge.consulting'],
] as const

export const CLIENT_NAMES = [
  'Acorn Outfitters', 'Brightside Dental', 'Cobalt Freight', 'Dovetail Furniture', 'Evergreen Realty',
  'Foxglove Bakery', 'Granite Insurance', 'Hollow Oak Winery', 'Juniper Health', 'Kestrel Aviation',
  'Lumen Solar', 'Marigold Hotels', 'Nimbus Cloudworks', 'Orchard Pediatrics', 'Pinecrest Schools',
  'Redwood Legal', 'Saffron Kitchens', 'Thistle Fashion', 'Upland Farms', 'Vesper Records',
] as const

export const PROJECT_NAMES = [
  'Website Redesign', 'Mobile App v2', 'Customer Portal', 'Data Warehouse Migration', 'Brand Refresh',
  'Billing Service', 'Onboarding Flow', 'Support Desk', 'Marketing Site', 'Internal Tools',
  'Inventory Sync', 'Analytics Dashboard', 'API Platform', 'Checkout Revamp', 'Partner Integrations',
  'Security Audit', 'Design System', 'Content Calendar', 'Office Renovation', 'Field Inspections',
  'Q3 Campaign', 'Recruiting Pipeline', 'Help Center', 'Search Relevance', 'Payments Gateway',
  'Localization', 'Reporting Suite', 'Release Automation', 'Warehouse Scanner', 'Loyalty Program',
] as const

export const PROJECT_BLURBS = [
  'Scoped with the client in the kickoff workshop; weekly demos on Thursdays.',
  'Fixed-scope engagement, change requests go through the account manager.',
  'Ongoing retainer work, prioritised every Monday.',
  'Internal initiative; track research and spikes here too.',
  'Phase two of last year\'s rollout.',
] as const

const TASK_VERBS = ['Fix', 'Implement', 'Review', 'Design', 'Write', 'Update', 'Refactor', 'Test', 'Document', 'Prepare', 'Migrate', 'Investigate'] as const
const TASK_OBJECTS = [
  'login form validation', 'invoice PDF layout', 'password reset email', 'search filters', 'dashboard charts',
  'CSV export', 'onboarding checklist', 'pricing page copy', 'error tracking setup', 'user settings screen',
  'API rate limiting', 'push notifications', 'order history page', 'accessibility issues', 'release notes',
  'database indexes', 'image upload resizing', 'team permissions', 'weekly status report', 'support macros',
  'checkout analytics', 'mobile navigation', 'client feedback', 'staging deploy script', 'timezone handling',
] as const

export function taskSummary(pick: <T>(items: readonly T[]) => T): string {
  return `${pick(TASK_VERBS)} ${pick(TASK_OBJECTS)}`
}

export const TASK_DETAILS = [
  'Acceptance criteria are in the linked spec.',
  'Reported by two customers this week.',
  'Pair with design before starting.',
  'Blocked until the API change ships.',
  'Keep the old behaviour behind a flag.',
] as const

export const NOTE_TEXTS = [
  'Working through review comments', 'Call with the client about scope', 'Debugging a flaky test',
  'Writing up meeting notes', 'Catching up on support tickets', 'Pairing on the release',
  'Design review', 'Planning next sprint', 'Fixing layout on small screens', 'Updating documentation',
  'Investigating slow queries', 'Preparing the weekly report', 'QA pass before deploy',
] as const

export const TEAM_NAMES = ['Engineering', 'Design', 'Support', 'Marketing', 'Operations', 'Sales', 'Field Crew', 'Data'] as const

export const JOB_TITLES = ['Software Engineer', 'Product Designer', 'Support Specialist', 'Project Manager', 'QA Analyst', 'Marketing Lead', 'Site Supervisor', 'Data Analyst'] as const

/** An IANA time zone with a city in it, coordinates near it and how addresses there begin. */
export interface ZoneInfo {
  readonly zone: string
  readonly city: string
  readonly country: string
  readonly lat: number
  readonly lng: number
  readonly ip: string
}

/** Time zones with a city and coordinates near it, for people and job sites. */
export const ZONES: readonly ZoneInfo[] = [
  { zone: 'America/New_York', city: 'New York', country: 'US', lat: 40.7306, lng: -73.9866, ip: '68.' },
  { zone: 'America/Chicago', city: 'Chicago', country: 'US', lat: 41.8781, lng: -87.6298, ip: '73.' },
  { zone: 'America/Los_Angeles', city: 'Los Angeles', country: 'US', lat: 34.0522, lng: -118.2437, ip: '76.' },
  { zone: 'America/Sao_Paulo', city: 'São Paulo', country: 'BR', lat: -23.5505, lng: -46.6333, ip: '177.' },
  { zone: 'Europe/London', city: 'London', country: 'GB', lat: 51.5072, lng: -0.1276, ip: '81.' },
  { zone: 'Europe/Berlin', city: 'Berlin', country: 'DE', lat: 52.52, lng: 13.405, ip: '84.' },
  { zone: 'Europe/Warsaw', city: 'Warsaw', country: 'PL', lat: 52.2297, lng: 21.0122, ip: '89.' },
  { zone: 'Europe/Kyiv', city: 'Kyiv', country: 'UA', lat: 50.4501, lng: 30.5234, ip: '91.' },
  { zone: 'Africa/Lagos', city: 'Lagos', country: 'NG', lat: 6.5244, lng: 3.3792, ip: '105.' },
  { zone: 'Asia/Kolkata', city: 'Bengaluru', country: 'IN', lat: 12.9716, lng: 77.5946, ip: '49.' },
  { zone: 'Asia/Manila', city: 'Manila', country: 'PH', lat: 14.5995, lng: 120.9842, ip: '112.' },
  { zone: 'Asia/Tokyo', city: 'Tokyo', country: 'JP', lat: 35.6762, lng: 139.6503, ip: '126.' },
  { zone: 'Australia/Sydney', city: 'Sydney', country: 'AU', lat: -33.8688, lng: 151.2093, ip: '101.' },
]

export const STREETS = ['Market Street', 'Harbour Road', 'Elm Avenue', 'Station Square', 'Mill Lane', 'King Street', 'Riverside Drive', 'Oak Boulevard'] as const

/** Desktop applications people track in, with how likely each is on a given slot. */
export const APPS = [
  ['Visual Studio Code', 5], ['Google Chrome', 6], ['Slack', 3], ['Figma', 2], ['Microsoft Excel', 2],
  ['Terminal', 2], ['Zoom', 2], ['Microsoft Word', 1], ['Firefox', 2], ['Notion', 1], ['Postman', 1],
] as const

export const BROWSERS = new Set(['Google Chrome', 'Firefox'])

/** Sites visited in a browser: host, page title. */
export const SITES = [
  ['github.com', 'Pull requests · GitHub'], ['docs.google.com', 'Sprint plan - Google Docs'], ['stackoverflow.com', 'How to debounce input - Stack Overflow'],
  ['mail.google.com', 'Inbox - Gmail'], ['app.hubstaff.com', 'Timesheets - Hubstaff'], ['www.figma.com', 'Checkout flow – Figma'],
  ['developer.mozilla.org', 'Array.prototype.map() - MDN'], ['jira.atlassian.com', 'Board - Jira'], ['calendar.google.com', 'Google Calendar - Week'],
] as const

export const HOLIDAYS = [
  ['New Year\'s Day', 1, 1], ['Labour Day', 5, 1], ['Founders\' Day', 6, 14], ['Summer Break', 8, 15],
  ['Thanksgiving', 11, 26], ['Christmas Eve', 12, 24], ['Christmas Day', 12, 25], ['Boxing Day', 12, 26],
] as const

export const TIME_OFF_MESSAGES = ['Family trip', 'Doctor appointment', 'Moving house', 'Feeling unwell', 'Wedding of a friend', 'Long weekend'] as const

export const EDIT_REASONS = ['Forgot to start the timer', 'Client meeting offline', 'Timer was running over lunch', 'Worked on the wrong project', 'Site visit without laptop'] as const

export function emailOf(first: string, last: string, domain: string): string {
  const plain = (s: string) =>
    s
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z]/g, '')
  return `${plain(first)}.${plain(last)}@${domain}`
}
