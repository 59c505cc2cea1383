// Typed Dockerfile instructions (BuildKit's frontend/dockerfile/instructions/commands.go), as plain immutable data.

export interface Location {
  startLine: number;
  endLine: number;
}

interface Base {
  /** The keyword as written. */
  readonly keyword: string;
  /** The instruction's source text (continuations joined), trimmed: what a build log shows. */
  readonly original: string;
  readonly location: Location;
}

export interface KeyValue {
  readonly key: string;
  /** As written: quotes and escapes are removed by expansion, not by parsing. */
  readonly value: string;
  /** Written in the legacy `ENV key value` form (no `=`). */
  readonly legacyForm: boolean;
}

export interface ArgDefinition {
  readonly key: string;
  /** The default value as written; absent for `ARG name`. */
  readonly value?: string;
  /** Description from a preceding `# name description` comment. */
  readonly comment?: string;
}

/** A heredoc body used as a file. */
export interface InlineFile {
  readonly name: string;
  readonly data: string;
  /** `<<-`: leading tabs are to be removed before use. */
  readonly chomp: boolean;
}

/** A heredoc source of ADD/COPY (`COPY <<EOF /dest`); `data` is already chomped. */
export interface SourceContent {
  readonly path: string;
  readonly data: string;
  /** Expand variables in `data` (the heredoc name was not quoted). */
  readonly expand: boolean;
}

export interface FromInstruction extends Base {
  readonly kind: "from";
  readonly baseName: string;
  /** Lower-case `AS` name, "" when unnamed. */
  readonly stageName: string;
  /** `--platform` as written, "" when not given. */
  readonly platform: string;
  readonly comment: string;
}

interface ShellDependent {
  /** Exec form: the JSON array. Shell form: one string to be run by the SHELL. */
  readonly cmdLine: readonly string[];
  /** True for the shell form: the SHELL is prepended. */
  readonly prependShell: boolean;
  /** Heredoc bodies (`RUN <<EOF`). */
  readonly files: readonly InlineFile[];
}

export interface RunInstruction extends Base, ShellDependent {
  readonly kind: "run";
  /** `--mount` specs as written; see parseMount. */
  readonly mounts: readonly string[];
  /** `--network`: default, none or host; "" when not given. */
  readonly network: string;
  /** `--security`: sandbox or insecure; "" when not given. */
  readonly security: string;
  /** `--device` specs as written. */
  readonly devices: readonly string[];
  readonly flagsUsed: readonly string[];
}

export interface CmdInstruction extends Base, ShellDependent {
  readonly kind: "cmd";
}

export interface EntrypointInstruction extends Base, Omit<ShellDependent, "cmdLine"> {
  readonly kind: "entrypoint";
  /** null for `ENTRYPOINT []` or no arguments: the entrypoint is reset. */
  readonly cmdLine: readonly string[] | null;
}

export interface EnvInstruction extends Base {
  readonly kind: "env";
  readonly env: readonly KeyValue[];
}

export interface LabelInstruction extends Base {
  readonly kind: "label";
  readonly labels: readonly KeyValue[];
}

export interface MaintainerInstruction extends Base {
  readonly kind: "maintainer";
  readonly maintainer: string;
}

interface SourcesAndDest {
  readonly sources: readonly string[];
  readonly sourceContents: readonly SourceContent[];
  readonly dest: string;
  /** `--chown`, "" when not given. */
  readonly chown: string;
  /** `--chmod`, "" when not given. */
  readonly chmod: string;
  readonly link: boolean;
  /** `--exclude` patterns. */
  readonly exclude: readonly string[];
}

export interface AddInstruction extends Base, SourcesAndDest {
  readonly kind: "add";
  readonly keepGitDir: boolean;
  /** `--checksum`, "" when not given. */
  readonly checksum: string;
  /** `--unpack`; absent when not given (then archives from the context are unpacked, URLs are not). */
  readonly unpack?: boolean;
}

export interface CopyInstruction extends Base, SourcesAndDest {
  readonly kind: "copy";
  /** `--from`: a stage name or index, an image, or a named context; "" when not given. */
  readonly from: string;
  readonly parents: boolean;
}

export interface ExposeInstruction extends Base {
  readonly kind: "expose";
  /** Sorted as BuildKit sorts them (before expansion). */
  readonly ports: readonly string[];
}

export interface UserInstruction extends Base {
  readonly kind: "user";
  readonly user: string;
}

export interface WorkdirInstruction extends Base {
  readonly kind: "workdir";
  readonly path: string;
}

export interface VolumeInstruction extends Base {
  readonly kind: "volume";
  readonly volumes: readonly string[];
}

export interface StopSignalInstruction extends Base {
  readonly kind: "stopsignal";
  readonly signal: string;
}

export interface ArgInstruction extends Base {
  readonly kind: "arg";
  readonly args: readonly ArgDefinition[];
}

export interface OnbuildInstruction extends Base {
  readonly kind: "onbuild";
  /** The trigger's source, heredoc bodies appended, to be parsed again in the child build. */
  readonly expression: string;
  /** The trigger's keyword in upper case (`RUN`). */
  readonly trigger: string;
}

export interface HealthConfig {
  /** `["NONE"]`, `["CMD", ...exec]` or `["CMD-SHELL", command]`. */
  readonly test: readonly string[];
  /** Durations in nanoseconds; 0 means "inherit / default". */
  readonly interval: number;
  readonly timeout: number;
  readonly startPeriod: number;
  readonly startInterval: number;
  readonly retries: number;
}

export interface HealthcheckInstruction extends Base {
  readonly kind: "healthcheck";
  readonly health: HealthConfig;
}

export interface ShellInstruction extends Base {
  readonly kind: "shell";
  readonly shell: readonly string[];
}

/** Every instruction but FROM: the commands of a stage. */
export type Command =
  | RunInstruction
  | CmdInstruction
  | EntrypointInstruction
  | EnvInstruction
  | LabelInstruction
  | MaintainerInstruction
  | AddInstruction
  | CopyInstruction
  | ExposeInstruction
  | UserInstruction
  | WorkdirInstruction
  | VolumeInstruction
  | StopSignalInstruction
  | ArgInstruction
  | OnbuildInstruction
  | HealthcheckInstruction
  | ShellInstruction;

export type Instruction = FromInstruction | Command;
