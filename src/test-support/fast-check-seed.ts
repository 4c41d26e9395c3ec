import fc from 'fast-check';

// Property tests explore with a fixed seed by default, so a CI run is reproducible and a red run
// is a real regression, not the dice. `FC_SEED=random npm test` (or any number) explores further;
// a counterexample found that way becomes a fixed example in the test it broke.
const requested = process.env.FC_SEED;
const seed = requested === 'random' ? Date.now() ^ (Math.random() * 0x7fffffff) : Number(requested ?? 20261204);
if (requested === 'random') console.log(`fast-check seed ${seed}`);
fc.configureGlobal({ seed });
