#!/usr/bin/env node
// Checks the built package in the current directory the way a consumer would meet it:
// publint (manifest and files) and @arethetypeswrong/cli (types for every resolution mode).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const { name } = JSON.parse(readFileSync('package.json', 'utf8'));
const run = (command, args) => execFileSync(command, args, { stdio: 'inherit' });

console.log(`\n== ${name}: publint`);
run('publint', ['--strict']);
console.log(`== ${name}: attw`);
run('attw', ['--pack', '.']);
