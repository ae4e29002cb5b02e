/** Entry point: mount the app. */

import { render } from "solid-js/web";
import { App } from "./app";
import "./styles/theme.css";
import "./styles/app.css";
import "./styles/workspace.css";
import "./styles/session.css";
import "./styles/code.css";
import "./styles/tools.css";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
render(() => <App />, root);
