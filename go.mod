module snnc

go 1.26.8

require (
	github.com/alecthomas/participle/v2 v2.1.4
	golang.org/x/tools v0.52.0
	gonum.org/v1/gonum v0.17.0
)

require (
	github.com/stretchr/testify v1.12.1
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)
