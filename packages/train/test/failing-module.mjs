// A module that fails on import: the parallel tests check that fit reports it.
throw new Error('this module refuses to load');
