import { mount } from 'svelte';
import App from './App.svelte';
import './respond.css';

mount(App, { target: document.getElementById('app')! });
