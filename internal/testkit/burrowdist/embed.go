// Package burrowdist holds the POM that resolves ZooKeeper for the Burrow comparison.
package burrowdist

import _ "embed"

//go:embed pom.xml
var POM []byte
