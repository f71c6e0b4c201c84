package config

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"go.yaml.in/yaml/v3"
)

// EnvPrefix starts every environment override: GREGOR_<SECTION>__<KEY>, for example
// GREGOR_SERVER__LISTEN or GREGOR_COLLECT__INTERVAL. The double underscore separates levels.
const EnvPrefix = "GREGOR_"

// Load reads the YAML file at path (none when path is ""), applies environment overrides from
// environ (os.Environ() form), fills defaults, validates, and resolves SASL secrets. Every
// problem found is reported, one per line, each as "<source>[:line]: <field path>: <what>".
func Load(path string, environ []string) (*Config, error) {
	raw := map[string]any{}
	var errs []error
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(b, &doc); err != nil {
			return nil, fmt.Errorf("%s: %s", path, strings.TrimPrefix(err.Error(), "yaml: "))
		}
		if len(doc.Content) > 0 {
			root := doc.Content[0]
			for _, e := range checkNode(root, reflect.TypeOf(Config{}), "") {
				errs = append(errs, fmt.Errorf("%s:%d: %s", path, e.line, e.fieldError))
			}
			if len(errs) == 0 {
				if err := root.Decode(&raw); err != nil {
					return nil, fmt.Errorf("%s: %w", path, err)
				}
			}
		}
	}
	errs = append(errs, applyEnv(raw, environ)...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	var cfg Config
	dec, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{
		TagName:          "yaml",
		Result:           &cfg,
		ErrorUnused:      true,
		WeaklyTypedInput: true, // environment values are strings; file types were checked above
		DecodeHook:       mapstructure.StringToTimeDurationHookFunc(),
	})
	if err != nil {
		return nil, err
	}
	if err := dec.Decode(raw); err != nil {
		return nil, fmt.Errorf("%s: %w", source(path), err)
	}
	cfg.SetDefaults()
	for _, e := range cfg.Validate() {
		errs = append(errs, fmt.Errorf("%s: %w", source(path), e))
	}
	if len(errs) == 0 {
		for _, e := range cfg.resolveSecrets(environ) {
			errs = append(errs, fmt.Errorf("%s: %w", source(path), e))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &cfg, nil
}

func source(path string) string {
	if path == "" {
		return "config"
	}
	return path
}

// resolveSecrets reads each SASL password from its environment variable or file.
func (c *Config) resolveSecrets(environ []string) []error {
	var errs []error
	switch {
	case c.Store.DSNEnv != "":
		v, ok := LookupEnv(environ, c.Store.DSNEnv)
		if !ok || v == "" {
			errs = append(errs, fieldError{"store.dsn_env", fmt.Sprintf("environment variable %s is not set", c.Store.DSNEnv)})
		}
		c.Store.DSN = Secret(v)
	case c.Store.DSNFile != "":
		b, err := os.ReadFile(c.Store.DSNFile)
		if err != nil {
			errs = append(errs, fieldError{"store.dsn_file", fmt.Sprintf("cannot read: %v", errors.Unwrap(err))})
		}
		c.Store.DSN = Secret(strings.TrimSpace(string(b)))
	}
	for i := range c.Alerting.Receivers {
		r := &c.Alerting.Receivers[i]
		p := fmt.Sprintf("alerting.receivers[%d]", i)
		var err error
		r.Secret, err = readSecret(environ, p+".secret_env", r.SecretEnv, p+".secret_file", r.SecretFile)
		if err != nil {
			errs = append(errs, err)
		}
		if r.SMTP != nil {
			r.SMTP.Password, err = readSecret(environ, p+".smtp.password_env", r.SMTP.PasswordEnv, p+".smtp.password_file", r.SMTP.PasswordFile)
			if err != nil {
				errs = append(errs, err)
			}
		}
	}
	if c.OIDC.Enabled() {
		var err error
		c.OIDC.ClientSecret, err = readSecret(environ, "oidc.client_secret_env", c.OIDC.ClientSecretEnv, "oidc.client_secret_file", c.OIDC.ClientSecretFile)
		if err != nil {
			errs = append(errs, err)
		}
	}
	for i := range c.Clusters {
		s := c.Clusters[i].SASL
		if s == nil {
			continue
		}
		p := fmt.Sprintf("clusters[%d].sasl", i)
		switch {
		case s.PasswordEnv != "":
			v, ok := LookupEnv(environ, s.PasswordEnv)
			if !ok || v == "" {
				errs = append(errs, fieldError{p + ".password_env", fmt.Sprintf("environment variable %s is not set", s.PasswordEnv)})
			}
			s.Password = Secret(v)
		case s.PasswordFile != "":
			b, err := os.ReadFile(s.PasswordFile)
			if err != nil {
				errs = append(errs, fieldError{p + ".password_file", fmt.Sprintf("cannot read: %v", errors.Unwrap(err))})
				continue
			}
			s.Password = Secret(strings.TrimRight(string(b), "\r\n"))
			if s.Password == "" {
				errs = append(errs, fieldError{p + ".password_file", fmt.Sprintf("%s is empty", s.PasswordFile)})
			}
		}
	}
	return errs
}

// readSecret reads a secret from the environment variable env or the file file (at most one
// is set; neither gives "").
func readSecret(environ []string, envPath, env, filePath, file string) (Secret, error) {
	switch {
	case env != "":
		v, ok := LookupEnv(environ, env)
		if !ok || v == "" {
			return "", fieldError{envPath, fmt.Sprintf("environment variable %s is not set", env)}
		}
		return Secret(v), nil
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fieldError{filePath, fmt.Sprintf("cannot read: %v", errors.Unwrap(err))}
		}
		v := strings.TrimRight(string(b), "\r\n")
		if v == "" {
			return "", fieldError{filePath, fmt.Sprintf("%s is empty", file)}
		}
		return Secret(v), nil
	}
	return "", nil
}

// LookupEnv finds name in environ (os.Environ() form).
func LookupEnv(environ []string, name string) (string, bool) {
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v, true
		}
	}
	return "", false
}

// applyEnv sets GREGOR_<A>__<B> overrides into raw. Only scalar fields of the sections can be
// set this way; clusters come from the file (their secrets from their own env variables).
func applyEnv(raw map[string]any, environ []string) []error {
	var errs []error
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(k, EnvPrefix) || !strings.Contains(k, "__") {
			continue
		}
		parts := strings.Split(strings.ToLower(strings.TrimPrefix(k, EnvPrefix)), "__")
		ft, err := fieldType(reflect.TypeOf(Config{}), parts)
		if err != nil {
			errs = append(errs, fmt.Errorf("environment %s: %w", k, err))
			continue
		}
		if msg := checkScalar(ft, v); msg != "" {
			errs = append(errs, fmt.Errorf("environment %s: %s: %s", k, strings.Join(parts, "."), msg))
			continue
		}
		m := raw
		for _, p := range parts[:len(parts)-1] {
			next, ok := m[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[p] = next
			}
			m = next
		}
		m[parts[len(parts)-1]] = v
	}
	return errs
}

// fieldType follows a key path through struct types, to a scalar field.
func fieldType(t reflect.Type, path []string) (reflect.Type, error) {
	for i, p := range path {
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return nil, fieldError{strings.Join(path[:i], "."), "cannot be set from the environment (only single values can)"}
		}
		f, ok := fieldByTag(t, p)
		if !ok {
			return nil, fieldError{strings.Join(path[:i+1], "."), "unknown key (expected one of: " + strings.Join(tagNames(t), ", ") + ")"}
		}
		t = f.Type
	}
	if k := t.Kind(); k == reflect.Struct || k == reflect.Pointer || k == reflect.Slice || k == reflect.Map {
		return nil, fieldError{strings.Join(path, "."), "cannot be set from the environment (only single values can)"}
	}
	return t, nil
}

type nodeError struct {
	fieldError
	line int
}

var durationType = reflect.TypeOf(time.Duration(0))

// checkNode compares a YAML node with the Go type it will decode into and reports unknown
// keys and values of the wrong kind, with their paths and lines.
func checkNode(n *yaml.Node, t reflect.Type, path string) []nodeError {
	at := func(msg string) []nodeError {
		p := path
		if p == "" {
			p = "(top level)"
		}
		return []nodeError{{fieldError{p, msg}, n.Line}}
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return at("expected a mapping of keys (" + strings.Join(tagNames(t), ", ") + ")")
		}
		var errs []nodeError
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := n.Content[i], n.Content[i+1]
			f, ok := fieldByTag(t, key.Value)
			kp := join(path, key.Value)
			if !ok {
				errs = append(errs, nodeError{fieldError{kp, "unknown key (expected one of: " + strings.Join(tagNames(t), ", ") + ")"}, key.Line})
				continue
			}
			errs = append(errs, checkNode(val, f.Type, kp)...)
		}
		return errs
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return at("expected a list")
		}
		var errs []nodeError
		for i, item := range n.Content {
			errs = append(errs, checkNode(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i))...)
		}
		return errs
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return at("expected a mapping")
		}
		var errs []nodeError
		for i := 0; i+1 < len(n.Content); i += 2 {
			errs = append(errs, checkNode(n.Content[i+1], t.Elem(), join(path, n.Content[i].Value))...)
		}
		return errs
	}
	if n.Kind != yaml.ScalarNode {
		return at("expected a single value, not a list or mapping")
	}
	if msg := checkScalar(t, n.Value); msg != "" {
		return at(msg)
	}
	return nil
}

// checkScalar says what is wrong with value s for a field of type t, or "".
func checkScalar(t reflect.Type, s string) string {
	switch {
	case t == durationType:
		if _, err := time.ParseDuration(s); err != nil {
			return fmt.Sprintf("%q is not a duration (expected a number with a unit, e.g. 500ms, 15s, 1m30s, 2h)", s)
		}
	case t.Kind() == reflect.Bool:
		if _, err := strconv.ParseBool(s); err != nil {
			return fmt.Sprintf("%q is not a boolean (expected true or false)", s)
		}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
		if _, err := strconv.ParseInt(s, 10, 64); err != nil {
			return fmt.Sprintf("%q is not an integer", s)
		}
	}
	return ""
}

func fieldByTag(t reflect.Type, tag string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); name == tag && name != "-" {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func tagNames(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); name != "" && name != "-" {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
