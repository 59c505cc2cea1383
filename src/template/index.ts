// Go text/template, the subset docker's --format uses, over plain JS values. Pure: no I/O.
//   render("{{.Name}}", { Name: "x" })                      → "x"
//   formatList("table {{.ID}}\t{{.Size}}", images, { header: { ID: "IMAGE ID", Size: "SIZE" } })
export type { ListNode, Node } from "./ast.ts";
export type { ExecOptions } from "./exec.ts";
export { formatList, parseFormat, renderHeader, renderLines } from "./format.ts";
export type { FormatListOptions, ParsedFormat } from "./format.ts";
export { builtins, headerFuncs } from "./funcs.ts";
export type { FuncDef, FuncMap, ParamType } from "./funcs.ts";
export { formatValue, sprint, sprintln } from "./fmt.ts";
export { sprintf } from "./sprintf.ts";
export { marshalJSON } from "./json.ts";
export type { MarshalOptions } from "./json.ts";
export { displayWidth } from "./display-width.ts";
export { dockerTabwriter, tabwrite } from "./tabwriter.ts";
export type { TabwriterOptions } from "./tabwriter.ts";
export { cachedCompile, compile, render } from "./template.ts";
export type { CompileOptions, Template } from "./template.ts";
export { FuncError, GO_TYPE, goStruct } from "./values.ts";
