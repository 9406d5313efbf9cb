import { defineConfig } from 'tsup';
import { libraryBuildWithOptions } from '../../scripts/tsup-preset';

export default defineConfig(libraryBuildWithOptions());
