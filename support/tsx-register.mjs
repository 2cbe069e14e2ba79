// First entry of cucumber's `import` list: registers tsx in the main process and in every --parallel worker,
// so the support code and steps can be TypeScript (see ../shared/reference/toolchain.md §1.3).
import { register } from 'tsx/esm/api';

register();
