package operate

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// indentedSize bounds json.Indent's output, and a deeply nested value is shown as text
// rather than indented to hundreds of megabytes.
func TestIndentedSizeBound(t *testing.T) {
	for _, v := range []string{`{"a":[1,2,{"b":"x,y]}"}],"c":null}`, `[]`, `"s\"[{"`, strings.Repeat("[", 50) + strings.Repeat("]", 50)} {
		var buf bytes.Buffer
		if err := json.Indent(&buf, []byte(v), "", "  "); err != nil {
			t.Fatal(err)
		}
		if got := indentedSize([]byte(v)); got < buf.Len() {
			t.Errorf("indentedSize(%s) = %d < the real %d", v, got, buf.Len())
		}
	}
	deep := []byte(strings.Repeat("[", 5000) + strings.Repeat("]", 5000)) // 10 KB, indents to ~50 MB
	s, how, _, note := show(deep, DecodeJSON, 1<<20)
	if how == DecodeJSON || s == nil || len(*s) != len(deep) || !strings.Contains(note, "too deep") {
		t.Fatalf("deep JSON shown as %s (%d bytes), note %q", how, len(*s), note)
	}
}
