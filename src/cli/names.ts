// Printing stored (fully normalized) names the way docker shows them: busybox:latest, localhost:5000/x:1.
import { familiarString, parseNormalizedNamed } from "../ref/index.ts";

export function familiar(full: string): string {
  try {
    return familiarString(parseNormalizedNamed(full));
  } catch {
    return full;
  }
}
