print("berkas")
