#!/usr/bin/env node
// The `lucid` command: runs the TypeScript sources through tsx (a devDependency of this repo).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
