/** Entry point: mount the app. */

import "./theme-boot";
import { render } from "solid-js/web";
import { App } from "./app";
import "./styles/theme.css";
import "./styles/app.css";
import "./styles/workspace.css";
import "./styles/session.css";
import "./styles/code.css";
import "./styles/tools.css";
import "./styles/prompt.css";
import "./styles/pickers.css";
import "./styles/sidebar.css";
import "./styles/chrome.css";
import "./styles/phone.css";
import "./styles/files.css";
import "./styles/palette.css";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
render(() => <App />, root);
