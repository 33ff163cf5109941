/** How many times larger the large input is than the small one. */
const FACTOR = 16;
/** Rounds per size; the best counts, so a GC pause or a busy CI core in one round does not. */
const ROUNDS = 5;

/**
 * How much more time `run` spends per character on an input 16 times larger: the small input run 16
 * times against the large one once, the same amount of input, best of several alternated rounds.
 * About 1 for linear work, about 16 for quadratic work; a bound of 4 leaves a wide margin for a
 * loaded machine on either side. No absolute time is asserted, so a slow machine cannot fail it.
 */
export function growthPerCharacter(
  makeInput: (size: number) => string,
  run: (input: string) => unknown,
  size: number,
): number {
  const small = makeInput(size);
  const large = makeInput(size * FACTOR);
  run(small);
  run(large);
  let bestSmall = Number.POSITIVE_INFINITY;
  let bestLarge = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    let started = performance.now();
    for (let i = 0; i < FACTOR; i++) run(small);
    bestSmall = Math.min(bestSmall, performance.now() - started);
    started = performance.now();
    run(large);
    bestLarge = Math.min(bestLarge, performance.now() - started);
  }
  return bestLarge / Math.max(bestSmall, 0.05);
}

/** `unit` repeated up to `size` characters. */
export function repeatTo(unit: string, size: number): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}
