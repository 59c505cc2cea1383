// Container names: docker's grammar, and a random adjective_scientist name when none is given.
import { randomInt } from "../random.ts";
import { HoistError } from "../errors.ts";

const grammar = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function validateName(name: string): string {
  if (!grammar.test(name))
    throw new HoistError(
      "INVALID_ARGUMENT",
      `Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`,
      {
        exitCode: 125,
      },
    );
  return name.startsWith("/") ? name.slice(1) : name;
}

const adjectives = (
  "agile bold brave bright calm careful cheerful clever cool curious daring eager earnest fair fervent " +
  "festive focused friendly gallant gentle glad happy hardy helpful honest humble jolly keen kind lively " +
  "loyal lucid merry mindful modest nimble noble patient peaceful polite proud quick quiet radiant " +
  "relaxed serene sharp sleepy steady sturdy sunny swift tender tidy upbeat vibrant vivid warm wise witty zealous"
).split(" ");

const people = (
  "agnesi archimedes babbage banach bardeen bohr boole brahe cannon carson cerf chandrasekhar curie " +
  "darwin dijkstra easley einstein euclid euler faraday fermat fermi feynman franklin galileo gauss germain " +
  "goodall hamilton hawking heisenberg hodgkin hopper hypatia jackson johnson kepler knuth lamarr lovelace " +
  "maxwell meitner mendel mirzakhani napier newton noether pascal pasteur planck poincare ramanujan ride " +
  "ritchie shannon sinoussi swartz tesla thompson torvalds turing villani wiles wing wozniak yalow"
).split(" ");

export function randomName(): string {
  return `${adjectives[randomInt(adjectives.length)]}_${people[randomInt(people.length)]}`;
}
