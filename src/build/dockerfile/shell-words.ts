// Word splitting during expansion: characters from unquoted text and expansions split on whitespace,
// quoted and escaped ones do not (BuildKit's wordsStruct).
import { isSpace } from "./go-text.ts";

const heredocOperator = /^[0-9]*<<-?$/;

/** Accumulates words: characters from unquoted text and expansions split, quoted or escaped ones do not. */
export class Words {
  word = "";
  inWord = false;
  readonly words: string[] = [];
  readonly glue: boolean;

  constructor(glue: boolean) {
    this.glue = glue;
  }

  addChar(ch: string): void {
    if (!isSpace(ch)) this.addRaw(ch);
    else if (this.inWord && this.glue && heredocOperator.test(this.word.trimEnd())) this.word += ch;
    else if (this.inWord && this.word !== "") {
      this.words.push(this.word);
      this.word = "";
      this.inWord = false;
    }
  }

  addString(s: string): void {
    for (const ch of s) this.addChar(ch);
  }

  addRaw(s: string): void {
    this.word += s;
    this.inWord = true;
  }

  finish(): string[] {
    if (this.word !== "") {
      this.words.push(this.word);
      this.word = "";
      this.inWord = false;
    }
    return this.words;
  }
}
