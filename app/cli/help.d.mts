/** memcap's version, from package.json. */
export function version(): string;
/** Answers `--help`/`-h`/`help`/`--version`/`-V` alone on the command line; false for anything else. */
export function answerFast(args: string[]): boolean;
