// How commands reach the store and the names the user typed.
import { Store } from "../store/index.ts";
import type { Context } from "./command.ts";

let opened: Store | undefined;

export function openStore(ctx: Context): Store {
  opened ??= new Store(ctx.root);
  return opened;
}
