/** Imported first by main.tsx: the chosen theme is on `<html>` before anything paints. */

import { applyStoredTheme } from "./lib/theme";

applyStoredTheme();
