// Empties ./dist before a build, so files of a removed entry never linger into a publish.
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
