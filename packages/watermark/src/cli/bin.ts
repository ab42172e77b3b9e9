#!/usr/bin/env -S npx tsx
/** The installed `atelier-watermark` command: runs the CLI and turns its outcome into an exit status. */
import { run } from "./main.ts";

process.exitCode = await run(process.argv.slice(2));
