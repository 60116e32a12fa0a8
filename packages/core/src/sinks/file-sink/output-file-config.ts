/** `OutputFileConfig`, as Flink's: the prefix and suffix of part file names. */

function checkNamePart(what: string, value: string): string {
  if (typeof value !== 'string' || /[/\\\0]/.test(value)) {
    throw new TypeError(`OutputFileConfig: the part ${what} must be a string without '/', '\\' or NUL, got ${String(value)}`);
  }
  return value;
}

/**
 * Part files are named `<prefix>-<uuid>-<subtask>-<counter><suffix>` (default prefix `part`, no suffix); a suffix
 * such as `.txt` or `.csv` keeps the file type recognisable. Build one with {@link OutputFileConfig.builder}.
 */
export class OutputFileConfig {
  /** Use {@link OutputFileConfig.builder}; a prefix or suffix with a path separator throws a `TypeError`. */
  constructor(
    /** The start of every part file name. */
    readonly partPrefix: string = 'part',
    /** The end of every part file name. */
    readonly partSuffix: string = '',
  ) {
    checkNamePart('prefix', partPrefix);
    checkNamePart('suffix', partSuffix);
  }

  /** A builder with the defaults (prefix `part`, no suffix). */
  static builder(): OutputFileConfigBuilder {
    return new OutputFileConfigBuilder();
  }

  /** The start of every part file name. */
  getPartPrefix(): string {
    return this.partPrefix;
  }

  /** The end of every part file name. */
  getPartSuffix(): string {
    return this.partSuffix;
  }
}

/** Builds an {@link OutputFileConfig}; get one from {@link OutputFileConfig.builder}. */
export class OutputFileConfigBuilder {
  private partPrefix = 'part';
  private partSuffix = '';

  /** Sets the start of every part file name. */
  withPartPrefix(prefix: string): this {
    this.partPrefix = checkNamePart('prefix', prefix);
    return this;
  }

  /** Sets the end of every part file name (for example `.txt`). */
  withPartSuffix(suffix: string): this {
    this.partSuffix = checkNamePart('suffix', suffix);
    return this;
  }

  /** Creates the configuration. */
  build(): OutputFileConfig {
    return new OutputFileConfig(this.partPrefix, this.partSuffix);
  }
}
