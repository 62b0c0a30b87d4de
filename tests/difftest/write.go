package difftest

import (
	"os"
	"path/filepath"
)

// Write writes the model's files into dir and returns the model file's
// path.
func (m *Model) Write(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	for name, data := range m.Files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return "", err
		}
	}
	return filepath.Join(dir, m.Name), nil
}
