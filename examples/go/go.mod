module iourine.example/go-consumer

go 1.19
