// Package kafkadist holds the files the test harness needs to resolve and run an Apache Kafka
// broker from Maven Central: the POM, the JMX exporter rules and the logging configs.
package kafkadist

import _ "embed"

var (
	//go:embed pom.xml
	POM []byte
	//go:embed jmx-exporter.yaml
	JMXExporterConfig []byte
	//go:embed log4j2.properties
	Log4j2Properties []byte
	//go:embed log4j.properties
	Log4jProperties []byte
)
