package llvm

import (
	"encoding/json"
	"fmt"

	"snnc/ir"
)

// checkpointC is model.c's part for the checkpoint the runtime writes
// (runtime/c/resume.c): the module's fingerprint, and its text as
// checkpoint.json holds it, already a JSON string as encoding/json writes
// it, so that both runtimes write the same bytes without a JSON encoder of
// the IR's text in C.
func checkpointC(m *ir.Module) (string, error) {
	sum, text := m.Fingerprint()
	js, err := json.Marshal(text)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("\nconst char snn_ckpt_fingerprint[] = %s;\nconst char snn_ckpt_ir_json[] = %s;\n", cstr(sum), cstr(string(js))), nil
}
