import type { z } from 'zod'

/** One entry of the configuration schema (SETTINGS in settings.ts): a setting, declared once. */
export interface SettingSpec<S extends z.ZodType> {
  /** Long flag without dashes, kebab-case. Also the env suffix (upper snake) and a config-file key. */
  readonly flag: string
  readonly schema: S
  readonly default: z.output<S> | undefined
  /** Shown in `--help` when the default is computed rather than fixed. */
  readonly defaultText?: string
  /** What is allowed, as the start-up error and `--help` say it. */
  readonly allowed: string
  readonly description: string
  /** Extra environment variables read after `HUBSTAFF_GATEWAY_<FLAG>`. */
  readonly extraEnv?: readonly string[]
  /** Never printed (help shows whether it is set, never its value). */
  readonly secret?: boolean
  /** The default depends on the environment (read from the env given to loadConfig, not process.env). */
  readonly envDefault?: (env: Readonly<Record<string, string | undefined>>) => z.output<S>
  /** A file or folder path: relative in a config file, it is taken from the file's own folder. */
  readonly path?: boolean
}

export function setting<S extends z.ZodType>(spec: SettingSpec<S>): SettingSpec<S> {
  return spec
}
